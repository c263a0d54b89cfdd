import { createApp } from "vue";
import App from "./App.vue";
import { parseHash } from "./app/router";
import { createAppServices, SERVICES } from "./app/services";
import { resolveRoute } from "./routes";
import "./styles/base.css";

const services = createAppServices();
// The page being opened paints from the local copy: start reading it now, while the app mounts.
const registry = services.registry.value;
const paths = registry ? new Map(registry.pages.map((p) => [p.id, p.path])) : null;
const dataset = resolveRoute(parseHash(location.hash).path, paths)?.dataset;
if (dataset) services.localCopy.readAhead(dataset);
createApp(App).provide(SERVICES, services).mount("#app");
