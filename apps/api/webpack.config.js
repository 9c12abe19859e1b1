const { composePlugins, withNx } = require('@nx/webpack');

// Nx's Node build: tsc keeps decorator metadata (Nest's DI needs it); node_modules stay external.
module.exports = composePlugins(withNx(), (config) => config);
