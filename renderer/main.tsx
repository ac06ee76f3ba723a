import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ApiProvider } from './app/api-context';
import { SignedIn } from './app/SignedIn';
import { createClient } from './ipc/client';
import './styles/app.css';

const { api } = createClient();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ApiProvider api={api}>
      <SignedIn>{(session, signOut) => <App operator={session.operator!.name} onSignOut={signOut} />}</SignedIn>
    </ApiProvider>
  </StrictMode>,
);
