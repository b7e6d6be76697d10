import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { Layout } from './components/Layout.js';
import { RouteError } from './components/RouteError.js';
import { ComparePage } from './views/ComparePage.js';
import { ExperimentPage } from './views/ExperimentPage.js';
import { ExperimentsPage } from './views/ExperimentsPage.js';
import { NotFoundPage } from './views/NotFoundPage.js';
import { RunPage } from './views/RunPage.js';

const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <ExperimentsPage /> },
      { path: '/experiments/:experimentId', element: <ExperimentPage /> },
      { path: '/experiments/:experimentId/runs/:runId', element: <RunPage /> },
      { path: '/compare', element: <ComparePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
