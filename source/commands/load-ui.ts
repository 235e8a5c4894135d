/**
 * Imports terminal UI modules with React's production build. React and its
 * reconciler choose their build from NODE_ENV when first loaded, and the
 * development build adds about 0.2 s to start-up and checks that only a
 * developer of data needs. NODE_ENV is put back once the modules are loaded,
 * so the processes data starts (git, a notify command) see the user's own.
 * A NODE_ENV the user set is kept as it is.
 */
export async function loadUi<T>(load: () => Promise<T>): Promise<T> {
  if (process.env.NODE_ENV !== undefined) return load();
  process.env.NODE_ENV = 'production';
  try {
    return await load();
  } finally {
    delete process.env.NODE_ENV;
  }
}
