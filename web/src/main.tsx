import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { i18nReady, initI18n } from "./i18n";

initI18n();
await i18nReady();
const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
