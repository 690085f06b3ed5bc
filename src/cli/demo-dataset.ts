// The library `psr demo` starts the emulator with. Its own module so tests can use it without
// loading the server.

/**
 * The emulator's "demo" dataset puts every kind of problem in the default scan window (the last
 * 30 days), so the first dry run has something to show; "standard" is the tests' library.
 */
export const DEMO_DATASET = { items: 500, seed: 1, profile: "demo" } as const;
