/** Entry of the clinician's page (clinician.html): the video visit a link points at, nothing of the station's screen. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClinicianApp } from './visit/ClinicianApp';
import './styles.css';
import './visit/visit.css';

const container = document.getElementById('root');
if (!container) throw new Error('clinician.html lacks the #root element');

createRoot(container).render(
  <StrictMode>
    <ClinicianApp />
  </StrictMode>,
);
