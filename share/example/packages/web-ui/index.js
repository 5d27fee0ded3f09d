const core = require("@acme/web-core"); module.exports = { ui: () => core.hello() };
