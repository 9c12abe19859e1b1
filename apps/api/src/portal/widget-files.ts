import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { CONTENT_HASHED } from './portal-files';

/**
 * Serves the built website widget from `root` (dist/apps/widget): `/widget.js`, the loader a host
 * page's tag names, cached for five minutes so a release reaches sites soon, and `/widget/…`, its
 * content-hashed modules, cached for a year. Other sites load them: module scripts are fetched
 * with CORS (`Access-Control-Allow-Origin: *`, nothing here is private or uses credentials) and
 * helmet's `Cross-Origin-Resource-Policy: same-origin` is lifted for these files.
 */
export function widgetFiles(root: string): RequestHandler {
  const files = expressStaticGzip(root, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      cacheControl: false,
      redirect: false,
      setHeaders: (res: ServerResponse, path: string) => {
        res.setHeader(
          'Cache-Control',
          CONTENT_HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        );
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    },
  }) as RequestHandler;

  return (req: Request, res: Response, next: NextFunction) => {
    const isWidget = req.path === '/widget.js' || req.path.startsWith('/widget/');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isWidget) return next();
    files(req, res, next);
  };
}
