#!/usr/bin/env node
// The `parley` command. A committed shim, so that npm can link it at install
// time, before `npm run build` has produced dist/.
import "../dist/cli.js";
