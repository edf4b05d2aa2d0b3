// Names shared by the proxy, the route guard and the browser code (no server imports here).

export const SESSION_COOKIE = 'sfm_session';
export const CSRF_HEADER = 'x-csrf-token';
export const API_TOKEN_PREFIX = 'sfm_';
