// The maintained list of disposable e-mail domains (disposable-email-domains-js, which packages the
// community blocklist github.com/disposable-email-domains/disposable-email-domains). Loaded once, lazily,
// from the installed package: never a network call.
import { createRequire } from 'node:module';
import type { ScoringEnv } from '../core/score/compiled.js';

let domains: Set<string> | undefined;

function load(): Set<string> {
  if (!domains) {
    const require = createRequire(import.meta.url);
    const list = require('disposable-email-domains-js/dist/dict/disposable_email_blocklist.json') as string[];
    domains = new Set(list.map((d) => d.toLowerCase()));
  }
  return domains;
}

export const scoringEnv: ScoringEnv = {
  isDisposableDomain: (domain) => load().has(domain),
};

/** The list itself (lower case), for `leadscore sql` to write inline. */
export function disposableDomainList(): string[] {
  return [...load()];
}
