// The API contract: request and response schemas and types shared by the server and the SPA.
// Nothing here imports the rest of src/ (DESIGN §3).
export * from "./constants.js";
export * from "./schemas.js";
