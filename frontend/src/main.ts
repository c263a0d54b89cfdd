import { createApp } from "vue";
import App from "./App.vue";
import { createAppServices, SERVICES } from "./app/services";
import "./styles/base.css";

createApp(App).provide(SERVICES, createAppServices()).mount("#app");
