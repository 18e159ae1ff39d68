// next/cache outside a Next.js request (route handlers and actions called directly by integration tests):
// revalidation has nothing to revalidate, and a cached function is just the function.
export const revalidatePath = () => undefined;
export const revalidateTag = () => undefined;
export const updateTag = () => undefined;
export const refresh = () => undefined;
export const unstable_cache = <T,>(fn: T) => fn;
