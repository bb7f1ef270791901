#!/usr/bin/env node
import { parseRun, runUsage, UsageError } from './args.js';
import { run } from './run.js';

const usage = `wvisor: a sandbox kernel for WebAssembly (WASI preview1) programs

${runUsage}
       wvisor restore FILE
       wvisor seccomp compile|disasm|explain ...
       wvisor cc [clang options] FILE.c... -o OUT.wasm [--keep-original FILE]
       wvisor help`;

/** Entry point: one clear line on bad input, a non-zero exit, never a stack trace. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return run(parseRun(rest));
    case 'restore': {
      if (rest.length !== 1) throw new UsageError('usage: wvisor restore FILE');
      const { restore } = await import('./snapshot.js');
      return restore(rest[0]);
    }
    case 'seccomp': {
      const { seccompCommand } = await import('./seccomp-command.js');
      return seccompCommand(rest, {
        stdout: (s: string) => { process.stdout.write(s); },
        stderr: (s: string) => { process.stderr.write(s); },
      });
    }
    case 'cc': {
      const { cc } = await import('./cc.js');
      return cc(rest);
    }
    case 'help': case '--help': case '-h':
      process.stdout.write(`${usage}\n`);
      return 0;
    case undefined:
      throw new UsageError(`no command given\n${usage}`);
    default:
      throw new UsageError(`unknown command "${cmd}"\n${usage}`);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Tasks may live on in the background (their workers are ended with the kernel).
  setImmediate(() => process.exit(code));
}, (e: unknown) => {
  if (e instanceof UsageError || (e instanceof Error && e.name.endsWith('Error') && !(e instanceof TypeError)
    && !(e instanceof RangeError) && !(e instanceof ReferenceError))) {
    process.stderr.write(`wvisor: ${(e as Error).message}\n`);
  } else {
    process.stderr.write(`wvisor: internal error: ${(e as Error)?.stack ?? e}\nPlease report this with the command you ran.\n`);
  }
  process.exit(2);
});
