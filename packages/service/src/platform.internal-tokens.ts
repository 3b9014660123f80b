/** The service's root pino logger (internal to the platform module). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
