// `node --import ./test/helpers/record-modules.mjs …` appends the URL of every module the process
// loads (ESM, and CommonJS reached through import) to the file named by $XENLIFT_RECORD_MODULES,
// one per line: Node's module customization hooks (record-modules-hooks.mjs) see each load.
import {register} from 'node:module'

register('./record-modules-hooks.mjs', import.meta.url, {data: {out: process.env.XENLIFT_RECORD_MODULES}})
