export function databaseProblem(url: string | undefined): Promise<string | null>;
