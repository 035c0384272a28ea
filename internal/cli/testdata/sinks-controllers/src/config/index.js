export default {
  dash: { user: 'admin', password: 'dash-2024' },
};
