export function postgresBinDir(): string;
export function startPostgres(): Promise<{ port: number; url: (database?: string) => string; stop: () => void }>;
