import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';

/** Angular's output hashing (`[name]-[hash]`): such a file's contents never change under its name. */
export const CONTENT_HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+(?:\.(?:br|gz))?$/;

/**
 * Serves the built portal from `root`: the brotli or gzip copy written at build time
 * (tools/build/precompress-web.mjs) when the browser accepts it, content-hashed files cached for
 * a year, everything else (`index.html`) revalidated on every visit so a release shows at once.
 * A page route (a GET outside `apiPrefix` naming no file) gets `index.html`: the portal routes it.
 */
export function portalFiles(root: string, apiPrefix: string): RequestHandler {
  const files = expressStaticGzip(root, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: {
      cacheControl: false,
      // A directory without a slash is not a page to redirect to.
      redirect: false,
      setHeaders: (res: ServerResponse, path: string) => {
        res.setHeader(
          'Cache-Control',
          CONTENT_HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    },
  }) as RequestHandler;
  const isApi = (path: string) => path === apiPrefix || path.startsWith(`${apiPrefix}/`);

  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApi(req.path)) return next();
    files(req, res, (error?: unknown) => {
      if (error || extname(req.path) !== '') return next(error);
      const url = req.url;
      req.url = '/index.html';
      files(req, res, (fallbackError?: unknown) => {
        req.url = url;
        next(fallbackError);
      });
    });
  };
}
