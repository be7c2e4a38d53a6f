import type { ServerResponse } from 'node:http';
import { Receiver, type Received } from './receiver.ts';

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * A Jellyfin (or Emby) server on 127.0.0.1 that checks the API key like the real one
 * (X-Emby-Token) and records every request. `mediaUpdated: false` plays an older server
 * without POST /Library/Media/Updated.
 */
export async function startFakeJellyfin(options: {
  token: string;
  libraries: { Name: string; Locations: string[] }[];
  mediaUpdated?: boolean;
  product?: string;
}): Promise<Receiver> {
  const receiver = await Receiver.start();
  receiver.responder = (request: Received, response) => {
    if (request.headers['x-emby-token'] !== options.token) return json(response, 401, { error: 'Unauthorized' });
    const path = new URL(request.url, 'http://x').pathname;
    if (request.method === 'GET' && path === '/System/Info')
      return json(response, 200, { ServerName: 'nas', Version: '10.10.7', ProductName: options.product ?? 'Jellyfin Server' });
    if (request.method === 'GET' && path === '/Library/VirtualFolders') return json(response, 200, options.libraries);
    if (request.method === 'POST' && path === '/Library/Media/Updated' && options.mediaUpdated !== false) {
      response.statusCode = 204;
      return response.end();
    }
    if (request.method === 'POST' && path === '/Library/Refresh') {
      response.statusCode = 204;
      return response.end();
    }
    json(response, 404, { error: 'not found' });
  };
  return receiver;
}

/** A Plex Media Server on 127.0.0.1: sections with their folders, partial scans per folder, X-Plex-Token checked. */
export async function startFakePlex(options: { token: string; sections: { key: string; title: string; locations: string[] }[] }): Promise<Receiver> {
  const receiver = await Receiver.start();
  receiver.responder = (request: Received, response) => {
    const url = new URL(request.url, 'http://x');
    const token = request.headers['x-plex-token'] ?? url.searchParams.get('X-Plex-Token');
    if (token !== options.token) {
      response.statusCode = 401;
      return response.end('<html><head><title>Unauthorized</title></head></html>');
    }
    if (request.method === 'GET' && url.pathname === '/library/sections') {
      return json(response, 200, {
        MediaContainer: {
          size: options.sections.length,
          Directory: options.sections.map((section) => ({
            key: section.key,
            title: section.title,
            type: 'show',
            Location: section.locations.map((path, id) => ({ id, path })),
          })),
        },
      });
    }
    const refresh = /^\/library\/sections\/([^/]+)\/refresh$/.exec(url.pathname);
    if (request.method === 'GET' && refresh && options.sections.some((section) => section.key === refresh[1])) {
      response.statusCode = 200;
      return response.end();
    }
    response.statusCode = 404;
    response.end();
  };
  return receiver;
}
