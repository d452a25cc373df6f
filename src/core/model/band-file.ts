// The hand-off file of a band: one definition, used by score (writing) and validate (LS027: two band
// names that give the same file would share it).

/** `band-<name>.csv`, with anything but letters, digits, `_` and `-` in the name replaced by `_`. */
export function bandFileName(name: string): string {
  return `band-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
}
