import { route } from '@/lib/auth/guard';
import { errorResponse } from '@/lib/http';

// Unknown API paths answer in the API's own envelope, not with the HTML 404 page.
const notFound = route('public', async (request) => errorResponse('not-found', `No API endpoint at ${request.nextUrl.pathname}.`), { query: true });

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
