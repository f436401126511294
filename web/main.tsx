import { createRoot } from 'react-dom/client';
import './i18n';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { AppShell } from './shell/app-shell';

createRoot(document.getElementById('root')!).render(<AppShell />);
