/** The product name is not translated. */
export const PRODUCT_NAME = "Plex Smart Refresher";
