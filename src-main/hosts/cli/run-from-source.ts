// Runs the CLI from its TypeScript source (tests, development):
//   node --import tsx src-main/hosts/cli/run-from-source.ts <command> [options]
import { main } from './index';

process.exitCode = await main(process.argv.slice(2));
