import { Link, paths } from '../app/router.js';

/** A path no page answers. */
export function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        Nothing here. <Link to={paths.home()}>Go to the projects</Link>.
      </p>
    </>
  );
}
