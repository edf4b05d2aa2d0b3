import { errorResponse } from '@/lib/http';

// Unknown API paths answer in the API's own envelope, not with the HTML 404 page.
function notFound(request: Request) {
  return errorResponse('not-found', `No API endpoint at ${new URL(request.url).pathname}.`);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
