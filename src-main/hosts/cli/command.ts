/** A CLI command: receives the arguments after its name, resolves to the exit code. */
export type Command = (argv: string[]) => Promise<number>;
