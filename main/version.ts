/** The app's version, in a module of its own so `datum --version` / `--help` load nothing else. */
export const VERSION = '0.1.0';
