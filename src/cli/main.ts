// Entry point of the CLI. Each command is one file, commands/<name>.ts, exporting `register(program)`:
// its flags, its help text with an example, and an action that imports the heavy modules it needs
// lazily and returns an exit code through `setExit`. Only src/cli/ writes to the terminal or exits.
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { VERSION } from './version.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerScore } from './commands/score.js';
import { register as registerTrain } from './commands/train.js';
import { register as registerInit } from './commands/init.js';
import { register as registerEvaluate } from './commands/evaluate.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerSql } from './commands/sql.js';

export type Register = (program: Command, setExit: (code: ExitCode) => void) => void;

const commands: Register[] = [registerValidate, registerScore, registerExplain, registerEvaluate, registerTrain, registerInit, registerSql];

export async function main(argv: string[]): Promise<number> {
  // Interrupted: exit 130 / 143; the 'exit' event lets an open output set remove its temporaries
  // (previous outputs stay untouched).
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  // A closed stdout (`| head`) ends the run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.ok);
    throw err;
  });
  const program = new Command();
  program
    .name('leadscore')
    .description('Batch lead scoring: YAML scoring models over lead and activity CSV exports.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  let exitCode: ExitCode = ExitCode.ok;
  for (const register of commands) register(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`leadscore: ${err.code ? err.code + ' ' : ''}${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(
      `leadscore: internal error: ${e?.message ?? String(err)}\n` +
        `This is a bug in leadscore; please report it with the command line and this trace:\n${e?.stack ?? ''}\n`,
    );
    return ExitCode.internal;
  }
  return exitCode;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`leadscore: internal error: ${String(err)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
