// Run by `npm run build` after `next build`: records the inputs of the build, so `npm start` knows it is current.
import { writeBuildStamp } from "../lib/runtime/build-stamp";

writeBuildStamp(process.cwd(), process.env.RAMPART_NEXT_DIST_DIR || undefined);
