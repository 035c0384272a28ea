import axios from 'axios';

const api = axios.create({ baseURL: 'https://example.com' });
const cache = new Map();

export async function load(id) {
  await api.get('/api/v1/users');
  await api.post('/api/v1/orders', { id });
  await fetch('/webhook/stripe', { method: 'POST' });
  cache.get('/admin/users');
  console.log("app.get('/debug', handler)");
  return cache.set('/dev/reset', true);
}

export function save(item) {
  return api.post('/api/v1/items', onSaved);
}

function onSaved() {}
