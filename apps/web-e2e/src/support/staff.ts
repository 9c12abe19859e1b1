/** The first admin the demo API creates at start (`ADMIN_EMAIL`/`ADMIN_PASSWORD`), for the staff tests. */
export const FIRST_ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
