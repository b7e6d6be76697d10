import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { queryClient } from './api/queries.js';
import { Layout } from './components/Layout.js';
import { RouteError } from './components/RouteError.js';
import { ExperimentPage } from './views/ExperimentPage.js';
import { ExperimentsPage } from './views/ExperimentsPage.js';
import { LoggedModelPage } from './views/LoggedModelPage.js';
import { NotFoundPage } from './views/NotFoundPage.js';

const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <ExperimentsPage /> },
      { path: '/experiments/:experimentId', element: <ExperimentPage /> },
      // The run and comparison pages carry the charting code; loaded on first visit, they keep it out of the
      // bundle every page waits for before it can ask the server for anything.
      {
        path: '/experiments/:experimentId/runs/:runId',
        lazy: async () => ({ Component: (await import('./views/RunPage.js')).RunPage }),
      },
      { path: '/logged-models/:modelId', element: <LoggedModelPage /> },
      { path: '/compare', lazy: async () => ({ Component: (await import('./views/ComparePage.js')).ComparePage }) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
