/** A CLI command: receives the arguments after its name, resolves to the exit code. */
export type CliCommand = (argv: string[]) => Promise<number>;
