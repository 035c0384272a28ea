import axios from 'axios';

export const login = (email, password) => async (dispatch) => {
  const { data } = await axios.post('/api/users/login', { email, password });
  dispatch({ type: 'USER_LOGIN_SUCCESS', payload: data });
  localStorage.setItem('userInfo', JSON.stringify(data)); // want "token-in-web-storage"
};

export function remember(res) {
  localStorage.setItem('accessToken', res.data.access); // want "token-in-web-storage"
  sessionStorage['jwt'] = res.data.jwt; // want "token-in-web-storage"
  window.localStorage.setItem('theme', 'dark');
  localStorage.setItem('permissions', decodedToken.permissions);
  localStorage.setItem('cartItems', JSON.stringify(res.data.items));
  sessionStorage.setItem('sessionStart', Date.now());
}

export async function loadProducts() {
  const { data } = await axios.get('/api/products');
  localStorage.setItem('products', JSON.stringify(data));
}
