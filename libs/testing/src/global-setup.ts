// Placeholder until the test database harness lands: replaced by libs/testing (per-run database + migrations).
export default async function setup(): Promise<void> {}
