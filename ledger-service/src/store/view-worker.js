// Entry of the view worker thread (store/view-worker.ts): the service runs under ts-node, whose
// hook a worker thread does not inherit unless node was started with `-r ts-node/register`.
"use strict";
if (!require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "..", "..", "..", "tsconfig.json") });
require("./view-worker.ts");
