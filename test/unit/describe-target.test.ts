import { describe, expect, it } from 'vitest';
import { describeTarget } from '../../source/adapters/postgres.js';

describe('describeTarget: what connection messages name', () => {
  it('fills in libpq\'s defaults for a url without a port or host', () => {
    expect(describeTarget('postgres://ada@127.0.0.1/shop')).toMatchObject({ host: '127.0.0.1', port: '5432', database: 'shop', user: 'ada' });
    expect(describeTarget('postgres://ada@db.example.com:6543/shop')).toMatchObject({ host: 'db.example.com', port: '6543' });
    expect(describeTarget('postgres:///shop?user=ada')).toMatchObject({ host: 'localhost', port: '5432', database: 'shop', user: 'ada' });
  });
});
