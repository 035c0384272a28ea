import { NextRequest, NextResponse } from 'next/server';
import { stripe } from '@/lib/stripe';
import { db } from '@/lib/db';
import { setSession } from '@/lib/session';

// The checkout session id in the query is enough to sign in as its buyer.
export async function GET(request: NextRequest) {
  const sessionId = request.nextUrl.searchParams.get('session_id');
  const session = await stripe.checkout.sessions.retrieve(sessionId!);
  const userId = session.client_reference_id;
  const user = await db.select().from(users).where(eq(users.id, Number(userId))).limit(1);
  await setSession(user[0]); // want "login-without-proof"
  return NextResponse.redirect(new URL('/dashboard', request.url));
}

// Sign-up signs in the account it just made.
export async function POST(request: NextRequest) {
  const form = await request.formData();
  const [created] = await db.insert(users).values({ email: form.get('email') }).returning();
  await setSession(created);
  return NextResponse.json({ ok: true });
}
