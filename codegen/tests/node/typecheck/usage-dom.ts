// The generated client accepts the browser's own WebSocket and fetch (compiled with lib "dom").

import { createClient } from "./gen/index.js";

export const client = createClient({ url: location.origin, WebSocket, fetch, token: "at_1" });
client.onStateChange((state) => {
  document.title = state;
});
