// Importing this module registers the SSH unbanner in the importing process: the Next.js server bundle
// (app/(dashboard)/bans/actions.ts) runs in its own module graph, so the registration done by server.ts or the
// worker is not visible there and the action's module imports this one itself.
import { registerSshUnbanner } from "./ssh-unbanner";

registerSshUnbanner();
