import { createRoot } from "react-dom/client";
import { App } from "./app";
import "./portal.css";

createRoot(document.getElementById("root")!).render(<App />);
