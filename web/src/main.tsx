import "./zod-config";
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { initI18n } from "./i18n";

initI18n();
const root = document.getElementById("root");
if (root) createRoot(root).render(<App />);
