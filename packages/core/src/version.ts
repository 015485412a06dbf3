// Read from package.json at build time (the bundler inlines it): no file read when a client is created.
import pkg from '../package.json' with { type: 'json' };

/** This @sdk/core's version, sent in the `User-Agent`. */
export const CORE_VERSION: string = pkg.version;
