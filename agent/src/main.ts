import { main } from './cli';
import { AgentError } from './errors';

// The bundle's entry point (agent/dist/sriov-agent.js); cli.ts stays importable by tests.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sriov-agent: ${message}\n`);
    if (err instanceof AgentError) process.stdout.write(`${JSON.stringify(err.toEnvelope(), null, 2)}\n`);
    process.exitCode = 1;
  },
);
