import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ApiProvider } from './app/api-context';
import { SignedIn } from './app/SignedIn';
import { createClient } from './ipc/client';
import { applyTheme, savedThemeChoice } from './app/theme';
import './styles/app.css';

// Before the first render, so the screen never flashes the other theme.
applyTheme(savedThemeChoice());
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
