// The CSV writer is pure and lives in core (src/core/csv/writer.ts); adapters import it from here.
export { csvCell, csvLine } from '../core/csv/writer.js';
