import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from './xml.ts';

const template = readFileSync(new URL('../../unraid/aniworld.xml', import.meta.url), 'utf8');

const child = (element: XmlElement, name: string) => element.children.find((entry) => entry.name === name);
const configs = (root: XmlElement) => root.children.filter((entry) => entry.name === 'Config');

describe('Unraid template', () => {
  it('is well-formed XML with a version-2 Container root', () => {
    const root = parseXml(template);
    expect(root.name).toBe('Container');
    expect(root.attributes.version).toBe('2');
  });

  it('has the elements Community Applications needs', () => {
    const root = parseXml(template);
    for (const name of ['Name', 'Repository', 'Network', 'WebUI', 'Icon', 'Overview', 'Category', 'Support', 'Project']) {
      expect(child(root, name)?.text.trim(), name).toBeTruthy();
    }
    expect(child(root, 'WebUI')!.text).toBe('http://[IP]:[PORT:8000]/');
    expect(child(root, 'Icon')!.text).toMatch(/^https:\/\/.+\.png$/);
    expect(child(root, 'Category')!.text).toMatch(/^([A-Za-z]+(:[A-Za-z]*)?\s*)+$/);
  });

  it('maps the port, both volumes and the permission variables with their Unraid defaults', () => {
    const root = parseXml(template);
    const byTarget = new Map(configs(root).map((config) => [config.attributes.Target, config]));
    const expectConfig = (target: string, type: string, value: string) => {
      const config = byTarget.get(target);
      expect(config, target).toBeDefined();
      expect(config!.attributes.Type, target).toBe(type);
      expect(config!.attributes.Default, target).toBe(value);
      for (const attribute of ['Name', 'Mode', 'Description', 'Display', 'Required', 'Mask'])
        expect(config!.attributes, `${target} ${attribute}`).toHaveProperty(attribute);
    };
    expectConfig('8000', 'Port', '8000');
    expectConfig('/config', 'Path', '/mnt/user/appdata/aniworld');
    expectConfig('/media', 'Path', '/mnt/user/anime');
    expectConfig('PUID', 'Variable', '99');
    expectConfig('PGID', 'Variable', '100');
    expectConfig('UMASK', 'Variable', '022');
    expectConfig('MONGODB_URL', 'Variable', '');
    expect(byTarget.get('MONGODB_URL')!.attributes.Required).toBe('false');
    expect(byTarget.get('/config')!.attributes.Mode).toBe('rw');
  });

  it('rejects malformed XML (the checker is strict)', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/does not close/);
    expect(() => parseXml('<a x=1></a>')).toThrow(/malformed/);
    expect(() => parseXml('<a>Tom & Jerry</a>')).toThrow(/&/);
    expect(() => parseXml('<a></a><b></b>')).toThrow(/more than one root/);
    expect(() => parseXml('<a>')).toThrow(/never closed/);
  });
});
