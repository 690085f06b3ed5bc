// The API contract: request and response schemas and types shared by the server and the SPA.
// Nothing here imports the rest of src/ (DESIGN §3).
export * from "./appearance.js";
export * from "./bulk.js";
export * from "./constants.js";
export * from "./import.js";
export * from "./match-undo.js";
export * from "./reasons.js";
export * from "./retention.js";
export * from "./schemas.js";
export * from "./setup.js";
export * from "./validation.js";
export * from "./watch.js";
