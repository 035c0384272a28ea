import admin from 'firebase-admin';

if (!admin.apps.length) {
  admin.initializeApp({ // want "privileged-key-server"
    credential: admin.credential.cert(JSON.parse(process.env.GOOGLE_CREDENTIALS_JSON || '{}')),
  });
}

export const db = admin.firestore();
